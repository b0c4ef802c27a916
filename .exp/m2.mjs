import D from 'better-sqlite3';
const d = new D('/tmp/bench/s100k.db', { readonly: true });
d.defaultSafeIntegers(true);
const esc7 = (x) => `replace(replace(replace(replace(replace(replace(replace(${x}, '\\', '\\\\'), char(9), '\\t'), char(10), '\\n'), char(13), '\\r'), char(8), '\\b'), char(12), '\\f'), char(11), '\\v')`;
const jq = (x) => `CASE WHEN octet_length(json_quote(${x})) = octet_length(${x}) + 2 THEN ${x} ELSE ${esc7(x)} END`;
const txt = (x, e) => `CASE typeof(${x}) WHEN 'text' THEN ${e(x)} WHEN 'null' THEN '\\N' WHEN 'integer' THEN CAST(${x} AS TEXT) END`;
const jatom = `CASE type WHEN 'text' THEN '"' || value || '"' WHEN 'integer' THEN CASE WHEN typeof(value) = 'integer' THEN CAST(value AS TEXT) END WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN 'null' END`;
const jsonA = (x) => `CASE WHEN ${x} IS NULL THEN '\\N' WHEN typeof(${x}) = 'text' AND instr(${x}, '\\') = 0 AND json_valid(${x}, 1) AND json_type(${x}) = 'object' THEN (SELECT CASE WHEN count(*) = count(DISTINCT key) THEN '{' || group_concat('"' || key || '": ' || ${jatom}, ', ' ORDER BY length(CAST(key AS BLOB)), CAST(key AS BLOB)) || '}' END FROM json_each(${x})) END`;
const jsonB = (x) => `CASE WHEN ${x} IS NULL THEN '\\N' WHEN typeof(${x}) = 'text' AND instr(${x}, '\\') = 0 AND json_valid(${x}, 1) THEN (SELECT '{' || group_concat('"' || key || '": ' || ${jatom}, ', ') || '}' FROM json_each(${x})) END`;
const jsonC = (x) => `CASE WHEN ${x} IS NULL THEN '\\N' WHEN json_valid(${x}, 1) THEN ${x} END`;
const jsonD = (x) => `CASE WHEN ${x} IS NULL THEN '\\N' WHEN typeof(${x}) = 'text' AND instr(${x}, '\\') = 0 AND json_valid(${x}, 1) THEN (SELECT '{' || group_concat('"' || key || '": ' || ${jatom}, ', ') || '}' FROM json_each(${x}) ) END`;
const base = (e, j) => `id || char(9) || ${txt('session_id', e)} || char(9) || ${txt('role', e)} || char(9) || ${txt('content', e)} || char(9) || timestamp || char(9) || ${j('metadata')} || char(10)`;
const N = 5000;
const run = (name, line) => {
    const sql = `SELECT CAST(group_concat(coalesce(line, char(11)), '') AS BLOB), count(*), max(id) FROM (SELECT id, ${line} AS line FROM messages WHERE id > ? ORDER BY id LIMIT ${N})`;
    const st = d.prepare(sql).raw(true);
    const t = performance.now();
    let last = 0n, bytes = 0, rows = 0n, markers = 0;
    for (;;) { const [buf, n, max] = st.get(last); if (n === 0n) break; bytes += buf.length; rows += n; last = max; for (let i = buf.indexOf(11); i !== -1; i = buf.indexOf(11, i + 1)) markers++; }
    console.log(name, ((performance.now() - t) / 1000).toFixed(2), 's', rows, (bytes / 1048576).toFixed(0), 'MiB', 'markers', markers);
};
const only = process.argv[2];
const all = {
 raw: base((x) => x, (x) => x),
 jq: base(jq, (x) => x),
 esc7: base(esc7, (x) => x),
 jsonA: base((x) => x, jsonA),
 jsonB: base((x) => x, jsonB),
 jsonC: base((x) => x, jsonC),
 plainSelectMeta: `metadata || char(10)`,
 contentOnly: `content || char(10)`,
 contentJq: `${jq('content')} || char(10)`,
 contentEsc7: `${esc7('content')} || char(10)`,
};
for (const [k, v] of Object.entries(all)) if (!only || only.split(',').includes(k)) run(k, v);
