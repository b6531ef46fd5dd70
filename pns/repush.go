package pns

import "time"

// RepushSchedule is when the platform re-pushes a notification that was not answered 200,
// measured from the first attempt (reference §7.6: at most six re-pushes).
var RepushSchedule = [...]time.Duration{1 * time.Minute, 4 * time.Minute, 9 * time.Minute,
	106 * time.Minute, 203 * time.Minute, 300 * time.Minute}
