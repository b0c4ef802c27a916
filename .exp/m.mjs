import D from 'better-sqlite3';
const d = new D('/tmp/bench/s100k.db', { readonly: true });
d.defaultSafeIntegers(true);
const esc7 = (x) => `replace(replace(replace(replace(replace(replace(replace(${x}, '\\', '\\\\'), char(9), '\\t'), char(10), '\\n'), char(13), '\\r'), char(8), '\\b'), char(12), '\\f'), char(11), '\\v')`;
const guard = (x) => `CASE WHEN instr(${x}, '\\') + instr(${x}, char(9)) + instr(${x}, char(10)) + instr(${x}, char(13)) + instr(${x}, char(8)) + instr(${x}, char(12)) + instr(${x}, char(11)) = 0 THEN ${x} ELSE ${esc7(x)} END`;
const txt = (x, e) => `CASE typeof(${x}) WHEN 'text' THEN ${e(x)} WHEN 'null' THEN '\\N' WHEN 'integer' THEN CAST(${x} AS TEXT) END`;
const ts = (x) => `CASE WHEN typeof(${x}) = 'text' AND ${x} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][ T][0-9][0-9]:[0-9][0-9]:[0-9][0-9]' AND date(substr(${x},1,10)) = substr(${x},1,10) AND substr(${x},1,4) <> '0000' AND substr(${x},12,2) <= '23' AND substr(${x},15,2) <= '59' AND substr(${x},18,2) <= '59' THEN substr(${x},1,10) || ' ' || substr(${x},12) WHEN ${x} IS NULL THEN '\\N' END`;
const jatom = `CASE type WHEN 'text' THEN '"' || value || '"' WHEN 'integer' THEN CASE WHEN typeof(value) = 'integer' THEN CAST(value AS TEXT) END WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN 'null' END`;
const jsonb = (x) => `CASE WHEN ${x} IS NULL THEN '\\N' WHEN typeof(${x}) = 'text' AND instr(${x}, '\\') = 0 AND json_valid(${x}, 1) AND json_type(${x}) = 'object' THEN (SELECT CASE WHEN count(*) = count(DISTINCT key) THEN '{' || group_concat('"' || key || '": ' || ${jatom}, ', ' ORDER BY length(CAST(key AS BLOB)), CAST(key AS BLOB)) || '}' END FROM json_each(${x})) END`;
const variants = {
  plain: (e) => `id || char(9) || ${txt('session_id', e)} || char(9) || ${txt('role', e)} || char(9) || ${txt('content', e)} || char(9) || timestamp || char(9) || metadata || char(10)`,
  withTs: (e) => `id || char(9) || ${txt('session_id', e)} || char(9) || ${txt('role', e)} || char(9) || ${txt('content', e)} || char(9) || ${ts('timestamp')} || char(9) || metadata || char(10)`,
  full: (e) => `id || char(9) || ${txt('session_id', e)} || char(9) || ${txt('role', e)} || char(9) || ${txt('content', e)} || char(9) || ${ts('timestamp')} || char(9) || ${jsonb('metadata')} || char(10)`,
};
const N = 5000;
for (const [name, v] of Object.entries(variants)) for (const [en, e] of [['raw', (x) => x], ['esc7', esc7], ['guard', guard]]) {
  for (const agg of ['sub', 'ordered']) {
    const line = v(e);
    const sql = agg === 'sub'
      ? `SELECT CAST(group_concat(coalesce(line, char(11)), '') AS BLOB), count(*), max(id) FROM (SELECT id, ${line} AS line FROM messages WHERE id > ? ORDER BY id LIMIT ${N})`
      : `SELECT CAST(group_concat(coalesce(line, char(11)), '' ORDER BY id) AS BLOB), count(*), max(id) FROM (SELECT id, ${line} AS line FROM messages WHERE id > ? ORDER BY id LIMIT ${N})`;
    const st = d.prepare(sql).raw(true);
    const t = performance.now();
    let last = 0n, bytes = 0, rows = 0n, markers = 0;
    for (;;) { const [buf, n, max] = st.get(last); if (n === 0n) break; bytes += buf.length; rows += n; last = max; for (let i = buf.indexOf(11); i !== -1; i = buf.indexOf(11, i + 1)) markers++; }
    console.log(name, en, agg, ((performance.now() - t) / 1000).toFixed(2), 's', rows, (bytes / 1048576).toFixed(0), 'MiB', 'markers', markers);
    if (name !== 'full') break;
  }
}
