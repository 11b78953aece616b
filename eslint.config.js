import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // tests/fixtures/lint holds code that breaks rules on purpose (tests/unit/lint lints it)
  { ignores: ['dist/**', 'node_modules/**', '.local-cloud/**', '.deploy/**', 'coverage/**', 'tests/fixtures/lint/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // type-aware rules: each file is checked with the tsconfig.json that covers it (root or console/)
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    // console/build.ts runs under Node, so console/tsconfig.json (the browser app's) leaves it out; the root program has it
    // (local/ and packaging/ import it). Named here, the CLI reuses that program instead of loading it a second time.
    files: ['console/build.ts'],
    languageOptions: {
      parserOptions: { projectService: false, project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    rules: {
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // the strict config's option: inside try/catch/finally a returned promise must be awaited (as 'in-try-catch' asks);
      // elsewhere `return await` is left alone rather than forbidden, since it changes no error handling
      '@typescript-eslint/return-await': ['error', 'error-handling-correctness-only'],
    },
  },
  {
    // a swallowed failure in the product is logged (bestEffort) or says, beside a disable comment, why silence is right
    files: ['domain/**', 'app/**', 'adapters/**', 'api/**', 'composition/**', 'protocol/**', 'functions/**', 'orchestrations/**', 'agent/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='catch'] > ArrowFunctionExpression[body.type='Identifier'][body.name='undefined']",
          message:
            'A swallowed error: await bestEffort(step, what) (app/errors/best-effort.ts) logs it; if silence is right, say why beside an eslint-disable comment.',
        },
      ],
    },
  },
  {
    files: ['tests/**', 'bench/**', 'local/**', 'packaging/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // plain JavaScript (this file) is in no tsconfig: no type information, so no type-aware rules
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
