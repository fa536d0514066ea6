// yargs lays out its help with string-width (through cliui and wrap-ansi), and every copy of
// string-width builds an Intl.Segmenter and a Unicode emoji regex when it is loaded: 20-30 ms of
// every start, help or not. This stand-in measures plain ASCII itself, which is all the help
// text there is, and loads the real string-width the first time it meets anything else.
let real;

function stringWidth(text, options) {
  if (typeof text === 'string' && /^[\x20-\x7e]*$/.test(text)) return text.length;
  real ??= require('../../node_modules/string-width/index.js').default;
  return real(text, options);
}

module.exports = stringWidth;
