package lockrt

// Point and LockPoint are the scheduling points of an exploring build.
func Point(id int32)     {}
func LockPoint(id int32) {}
