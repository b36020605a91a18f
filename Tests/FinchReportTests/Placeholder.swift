// Replaced by the roofline chart tests.
