// Transpile-only ts-jest (isolatedModules): no type-checking in tests, so the generated bindings in .gen/ are never
// loaded into a TypeScript program here. `npm run typecheck` / `npm run build` do the type-checking.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { isolatedModules: true, diagnostics: false }],
  },
  moduleFileExtensions: ["ts", "js", "json"],
  testTimeout: 60000,
  cacheDirectory: "<rootDir>/.jest-cache",
};
