// ESLint: typescript-eslint's type-checked recommended rules over the TypeScript sources, the pages' included; the
// scripts with the recommended JavaScript rules. Exceptions are listed here, each with its reason; no file disables
// a rule for itself.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'src/generated/', 'test-artifacts/', 'coverage/'] },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // An async function that does not await still returns a promise, which the route, storage and dialog
      // interfaces require; dropping `async` would turn a thrown error into a synchronous throw at the call site.
      '@typescript-eslint/require-await': 'off',
      // botbuilder types `Activity.type` as a string and offers `ActivityTypes` as an enum of the same strings:
      // comparing the two is the SDK's own documented use.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
      // A leading underscore names what is left out on purpose: a field dropped by destructuring, a parameter an
      // interface requires but this implementation does not use.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['tests/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // vitest's asymmetric matchers (`expect.any`, `expect.objectContaining`) and parsed response bodies are typed
      // `any`; the assertions themselves check the shape. The rules stay on for everything under src/.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      // `expect(service.method).toHaveBeenCalled()`-style references are never called unbound.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // The pages run in the browser (public/tsconfig.json gives them the DOM and no Node).
    files: ['public/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['scripts/**/*.mjs', '*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { globals: { ...globals.node } },
  },
);
