package fr.referralhub.provenance;

/** A record on a hub topic that the hub did not write, or for a partner the registry does not know: its dead letter. */
public class UntrustedRecordException extends RuntimeException {

    public UntrustedRecordException(String reason) {
        super(reason);
    }
}
