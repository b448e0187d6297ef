// Type-aware linting: the rules that catch real bugs in async Node code, plus the dependency direction.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
      'no-control-regex': 'off',
    },
  },
  {
    // Settings come from the validated config (libs/core/src/config), never straight from the environment.
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['libs/core/src/config/**', 'libs/testing/**', '**/*.spec.ts', '**/*.int-spec.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'read settings from AppConfig (libs/core/src/config)',
        },
      ],
    },
  },
  {
    // Libraries never import applications, nor another lib's insides.
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/apps/**', '../../apps/*'], message: 'libs must not import apps' },
            {
              group: ['@app/*/src', '@app/*/src/**'],
              message: "import a lib through its index ('@app/<lib>')",
            },
          ],
        },
      ],
    },
  },
  {
    // No application imports another; each app's entry point composes libs only.
    files: ['apps/api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/worker/**', '../../worker/*'], message: 'apps must not import other apps' },
            {
              group: ['@app/*/src', '@app/*/src/**'],
              message: "import a lib through its index ('@app/<lib>')",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/worker/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/api/**', '../../api/*'], message: 'apps must not import other apps' },
            {
              group: ['@app/*/src', '@app/*/src/**'],
              message: "import a lib through its index ('@app/<lib>')",
            },
          ],
        },
      ],
    },
  },
  {
    // SQL lives in repositories: each table has one owning lib, and only its *.repository.ts files touch it.
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: [
      '**/*.repository.ts',
      '**/migrations/**',
      'libs/core/src/database/**',
      'libs/testing/**',
      '**/*.spec.ts',
      '**/*.int-spec.ts',
    ],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='query']",
          message: 'SQL belongs in a *.repository.ts of the lib that owns the table',
        },
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'typeorm',
              importNames: ['DataSource', 'EntityManager', 'QueryRunner'],
              message: 'only repositories hold a DataSource, EntityManager or QueryRunner',
            },
          ],
        },
      ],
    },
  },
);
