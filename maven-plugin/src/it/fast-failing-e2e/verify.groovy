def cluster = System.getProperties().remove("previewenv.it.cluster." + basedir)
try {
  def log = new File(basedir, "build.log").text
  def ns = (log =~ /PreviewEnv: previewenv.namespace=(\S+)/)[0][1]
  assert log.contains("FAILED sample.ShopE2E#orders(): expected 201 but was 500")
  // down ran although the suite failed, and kept the environment (retention ON_SUCCESS)
  assert log.contains("PreviewEnv: keeping environment " + ns + " (retention ON_SUCCESS, the E2E run ended FAILED)")
  assert log.contains("E2E run " + ns)
  assert log.contains("BUILD FAILURE")
  assert cluster.namespaceExists(ns)
} finally {
  cluster?.close()
}
return true
