/**
 * Prints one plain closing line, `N passed, N failed, N skipped`, after Jest's own summary, so
 * that CI logs state the count in a runner-independent form.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failedSuites = results.numRuntimeErrorTestSuites;
    process.stdout.write(
      `\n${failedSuites ? `(${failedSuites} test files failed to run)\n` : ''}` +
        `${results.numPassedTests} passed, ${results.numFailedTests + failedSuites} failed, ${skipped} skipped\n`,
    );
  }
}
module.exports = SummaryReporter;
