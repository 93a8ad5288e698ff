package reports

// testSuffix is what a report adds after a finding's package to name its
// Go test: " (test TestX)", or "" for a finding of no test.
func testSuffix(test string) string {
	if test == "" {
		return ""
	}
	return " (test " + test + ")"
}
