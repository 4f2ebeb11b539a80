def cluster = System.getProperties().remove("previewenv.it.cluster." + basedir)
try {
  def log = new File(basedir, "build.log").text
  def ns = (log =~ /PreviewEnv: previewenv.namespace=(\S+)/)[0][1]
  assert ns.startsWith("sample-fast")
  assert log.contains("PreviewEnv: previewenv.service.url.shop=http://" + ns + ".shop.example.com/")
  assert log =~ /PreviewEnv:   apply done in \d+\.\d s/
  assert log =~ /PreviewEnv:   readiness done in/
  assert log.contains("PASSED (1 tests, 1 passed")
  assert log.contains("PreviewEnv: environment " + ns + " deleted in")
  assert new File(basedir, "target/previewenv-e2e/TEST-sample.xml").text.contains("opens()")
  def report = new File(basedir, "target/previewenv/report.json").text
  ["\"namespace\"", "\"apply\"", "\"readiness\"", "\"e2e\"", "\"teardown\"", "\"passed\":1",
   "registry.example.com/shop:sha-2"].each { assert report.contains(it) : it + " in " + report }
  assert new File(basedir, "../step-summary.md").text.contains("### Preview environment `" + ns + "`")
  assert !cluster.namespaceExists(ns)
} finally {
  cluster?.close()
}
return true
