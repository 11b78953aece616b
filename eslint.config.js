import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.local-cloud/**', '.deploy/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // a swallowed failure in the product is logged (bestEffort) or says, beside a disable comment, why silence is right
    files: ['shared/**', 'functions/**', 'orchestrations/**', 'agent/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='catch'] > ArrowFunctionExpression[body.type='Identifier'][body.name='undefined']",
          message: 'A swallowed error: await bestEffort(step, what) (shared/errors/best-effort.ts) logs it; if silence is right, say why beside an eslint-disable comment.',
        },
      ],
    },
  },
  {
    files: ['tests/**', 'bench/**', 'local/**', 'packaging/**'],
    rules: { 'no-console': 'off' },
  },
);
