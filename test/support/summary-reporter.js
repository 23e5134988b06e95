/**
 * Prints, as the very last lines of a test run: the tests that were skipped and why (their names
 * say why), then one plain closing line `N passed, N failed, N skipped`, so that CI logs state the
 * count in a runner-independent form.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skippedNames = [];
    for (const file of results.testResults) {
      for (const t of file.testResults) {
        if (t.status === 'pending' || t.status === 'todo') skippedNames.push(t.fullName);
      }
    }
    const skipped = results.numPendingTests + results.numTodoTests;
    const failedSuites = results.numRuntimeErrorTestSuites;
    const lines = [''];
    for (const name of skippedNames) lines.push(`SKIPPED: ${name}`);
    if (failedSuites) lines.push(`(${failedSuites} test files failed to run)`);
    lines.push(`${results.numPassedTests} passed, ${results.numFailedTests + failedSuites} failed, ${skipped} skipped`);
    process.once('exit', () => process.stdout.write(lines.join('\n') + '\n'));
  }
}
module.exports = SummaryReporter;
