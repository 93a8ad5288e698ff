// Package diagnose is lockscope's driver, as pprof's internal/driver is
// pprof's: given Options it builds and runs the target under instrumented
// locks (package tracer), analyses what the processes recorded (package
// analyzer), marks what does not count (suppressions, excluded paths, the
// baseline), confirms predicted deadlocks on request, writes the reports
// (package reports) and says which findings fail the run.
//
// The commands in package cmd only fill Options from flags and the
// configuration file, call Run, print the outcome and map errors to exit
// codes. Run returns an error only when lockscope itself could not finish
// (the target does not build, the budget ran out before anything ran);
// even then findings.json says why. A target that fails, hangs or crashes
// is a finding, not an error.
package diagnose
