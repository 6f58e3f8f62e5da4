// Transpile-only ts-jest (isolatedModules): no type-checking in tests, so the generated bindings in .gen/ are never
// loaded into a TypeScript program here. `npm run typecheck` / `npm run build` do the type-checking.
// One throwaway MariaDB serves the whole run (test/global-setup.ts) unless LIVE_INFRA_TEST_MYSQL_URL points at an
// existing server; test files isolate themselves with uniquely named databases (test/helpers/mysql.ts).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { isolatedModules: true, diagnostics: false }],
  },
  moduleFileExtensions: ["ts", "js", "json"],
  // Three workers on a 2-core machine: most suites wait on MariaDB, the sandbox, Chromium or a child process rather
  // than the CPU (jest's default there is one worker). Measured on 2 cores: 2 workers 115 s, 3 workers 96 s, 4 99 s.
  maxWorkers: 3,
  testTimeout: 60000,
  cacheDirectory: "<rootDir>/.jest-cache",
  globalSetup: "<rootDir>/test/global-setup.ts",
  globalTeardown: "<rootDir>/test/global-teardown.ts",
};
