// Package rundir owns the directory of a run: its layout (below), atomic JSON writes
// (WriteJSON), scanning directories for results (Scan) and rebuilding the report's summary
// from them (Rebuild, for `harness report`). It is apart from package pipeline, which runs
// the suite and the loads (Execute), so that reading results back links neither godog nor
// the emulator (deps_test.go pins that).
package rundir

// The layout of a run directory (`harness run --out DIR`), the one place it is written down;
// Execute writes it, Scan and Rebuild read it back (they also read the output directories of
// `harness conform`, `harness load` and `harness receive`, which are parts of it):
//
//	DIR/index.html, report.css, junit.xml, ctrf.json   the report (reports.WriteAll)
//	DIR/summary.json                                   the report's summary (reports.JSONFile, schemaVersion ≥ 1)
//	DIR/receiver.json                                  the receiver's final report (assemble.ReceiverFile)
//	DIR/dispatcher.json                                the embedded emulator's push statistics (assemble.DispatcherFile)
//	DIR/conformance/cucumber.json, junit.xml           the suite's results (assemble.CucumberFile)
//	DIR/conformance/coverage.json                      rules checked or not, with the reason (assemble.CoverageFile)
//	DIR/conformance/conformance.json                   states, cleanup, refusal; written last (conformance.ResultsFile)
//	DIR/conformance/bindings.jsonl                     the suite's binding journal (loadtest.JournalFile)
//	DIR/load/NAME/load.json                            one load's result (loadtest.ResultFile)
//	DIR/load/NAME/bindings.jsonl                       its binding journal
//	DIR/load/NAME/*.gob, *.hlog                        its raw results (vegeta gob, HdrHistogram logs)
//
// Each format has its own name, and the name decides how a file is read. Versions before
// load.json wrote a load's result as summary.json, the report's name: loadtest.ResultIn still
// finds it there (telling it from a report's summary by its content), so a directory written
// by any version reads back.
