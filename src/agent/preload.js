// dist/agent.js, the preload (`node --require dist/agent.js`, or NODE_OPTIONS, which every child
// process inherits, whatever Node it runs). Every Node must parse it, so it is ES5 on purpose (the
// build refuses anything newer). It starts the agent (agentMain.js, built for Node 16+) only where
// that can run; on an older Node it steps aside without a word.
'use strict';
(function () {
  var OLDEST_MAJOR = 16;
  try {
    var major = Number(String(process.versions.node).split('.')[0]);
    if (!(major >= OLDEST_MAJOR)) return;
    require('./agentMain.js').startAgent(__filename);
  } catch (e) {
    // the program comes first: an agent that cannot start stays out of the way
  }
})();
