// debug (pulled in by simple-git) probes for supports-color with a dynamic require. In a single
// executable that require can only load built-ins and warns on every start, so the bundle gets
// this stand-in: no colour detection, debug falls back to its basic palette.
module.exports = false;
