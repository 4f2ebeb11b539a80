def log = new File(basedir, "build.log").text
assert log.count("PreviewEnv: skipped (previewenv.skip)") == 4
assert !new File(basedir, "target/previewenv").exists()
return true
