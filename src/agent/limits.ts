// What a peer can cost the program, in one place (the README's Security section quotes these).

/** A TCP client has this long to send a valid `auth` before the agent closes the connection. */
export const AUTH_TIMEOUT_MS = 5000;
/** Bytes read from a TCP client before a valid `auth`; one more closes the connection. */
export const MAX_BYTES_BEFORE_AUTH = 4096;
/**
 * Connections still waiting to authenticate; one more is closed at once. Each holds a file
 * descriptor of the program's and up to MAX_BYTES_BEFORE_AUTH of its memory for up to
 * AUTH_TIMEOUT_MS: eight of them cost the program 8 fds and 32 KiB at most.
 */
export const MAX_UNAUTHENTICATED = 8;
