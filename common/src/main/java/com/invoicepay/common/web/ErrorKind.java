package com.invoicepay.common.web;

/** The {@code error} field of the Invoice API's error body. */
public enum ErrorKind {
    /** The request itself is wrong: fix it before retrying. */
    InputError,
    /** The request is well formed but the state of things refuses it (already paid, already exists). */
    DomainError,
    /** Our fault, or a dependency of ours is down: retrying later may help. */
    ServerError
}
