// Transpile-only ts-jest (isolatedModules): no type-checking in tests, so the generated bindings in .gen/ are never
// loaded into a TypeScript program here. `npm run typecheck` / `npm run build` do the type-checking.
// One throwaway MariaDB serves the whole run (test/global-setup.ts) unless LIVE_INFRA_TEST_MYSQL_URL points at an
// existing server; test files isolate themselves with uniquely named databases (test/helpers/mysql.ts).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // Drift's per-reader and CLI suites need the sandbox's CAM ListPolicies and a seeder that builds the VPC, subnet,
  // security group, CDB privileges and CAM tags a deploy leaves (issue 10, still open); they run with
  // `npx jest test/drift --testPathIgnorePatterns=/node_modules/` and fail until then.
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/drift/readers.test.ts", "<rootDir>/test/drift/cli.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { isolatedModules: true, diagnostics: false }],
  },
  moduleFileExtensions: ["ts", "js", "json"],
  // Two workers even on a 2-core machine: most suites wait on MariaDB, the sandbox or a child process rather than
  // the CPU (jest's default there is one worker; measured 86 s → 67 s for the whole suite).
  maxWorkers: 2,
  testTimeout: 60000,
  cacheDirectory: "<rootDir>/.jest-cache",
  globalSetup: "<rootDir>/test/global-setup.ts",
  globalTeardown: "<rootDir>/test/global-teardown.ts",
};
