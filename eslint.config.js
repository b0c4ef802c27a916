// `make lint` runs prettier --check, then this. Formatting is prettier's (printWidth 160); these
// rules catch mistakes, plus the one line-length rule prettier cannot enforce on long strings and comments.
// Type-only imports are fixed to `import type`, which is erased: `import { type X }` would still load the
// module at run time (verbatimModuleSyntax), and src/cli.ts imports most modules only when a command needs them.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'deployment/', 'coverage/', 'data/', 'runs/', 'backups/', '.scratch/', '.exp/', '.offline-build/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
    rules: {
      'max-len': ['error', { code: 160, tabWidth: 2 }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  // Tests write numbers that round on purpose: the doubles SQLite stores, checked as PostgreSQL prints them.
  { files: ['tests/**'], rules: { 'no-loss-of-precision': 'off' } },
);
