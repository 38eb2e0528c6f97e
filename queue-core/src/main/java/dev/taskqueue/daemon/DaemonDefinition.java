package dev.taskqueue.daemon;

/**
 * A declared daemon, with configuration applied.
 *
 * @param name its name
 * @param handler its body
 * @param autoStart whether its row starts out wanting it to run
 * @param source where it is declared
 */
record DaemonDefinition(String name, DaemonHandler handler, boolean autoStart, String source) {

}
