// the in-process API server for this sample (kept in the JVM's properties until verify.groovy)
def cluster = dev.previewenv.maven.SampleCluster.start(basedir.toString())
System.getProperties().put("previewenv.it.cluster." + basedir, cluster)
return true
