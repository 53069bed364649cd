package org.attention4j.cli;

/** Input the user must fix (a file, an option value): reported in one line, exit code 2. */
public final class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
