/**
 * A record id in a route, as PostgreSQL writes a uuid (8-4-4-4-12 lowercase hex). Anything else cannot name
 * a record, so the router answers 404 before the database sees it.
 */
export const ID = "{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}}";
