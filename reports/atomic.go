package reports

// WriteFileAtomic writes data to path through a temporary file beside it renamed over it, so
// that a reader never sees half a file and an interrupted write leaves the old one; the run
// directory's JSON files (rundir.WriteJSON) are written the way the report's files are.
func WriteFileAtomic(path string, data []byte) error { return writeFileAtomic(path, data) }
