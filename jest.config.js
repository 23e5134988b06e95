/** Jest runs TypeScript through ts-jest in transpile-only mode (type checking is `npm run typecheck`). */
module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/test'],
  testRegex: '.*\\.(spec|test)\\.ts$',
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false, tsconfig: { isolatedModules: true } }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@motcua/(domain|event-store|platform|sql|application|projections|pdf|timers|simulator|background)$': '<rootDir>/libs/$1/src',
    '^@motcua/(domain|event-store|platform|sql|application|projections|pdf|timers|simulator|background)/(.*)$': '<rootDir>/libs/$1/src/$2',
  },
  testTimeout: 60000,
  setupFiles: ['reflect-metadata'],
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
