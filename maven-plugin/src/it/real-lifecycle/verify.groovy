def log = new File(basedir, "build.log").text
def ns = (log =~ /PreviewEnv: previewenv.namespace=(\S+)/)[0][1]
assert log =~ /PreviewEnv:   readiness done in/
assert log.contains("| suite in " + ns)
assert log.contains("PASSED (1 tests, 1 passed")
assert log.contains("PreviewEnv: environment " + ns + " deleted in")
assert new File(basedir, "target/previewenv-e2e/TEST-sample.xml").text.contains("opens()")
def report = new File(basedir, "target/previewenv/report.json").text
["\"readiness\"", "\"e2e\"", "\"teardown\"", "\"passed\":1"].each { assert report.contains(it) : it }
println "real-lifecycle report: " + report
return true
