package dev.taskqueue.http.api;

/**
 * The round trips on the application's embedded H2 database.
 */
class H2HttpApiRoundTripTests extends HttpApiRoundTripContractTests {

}
