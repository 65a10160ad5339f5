package fr.referralhub.partners;

/** A caller that is not a known, enabled partner (401), or a partner publishing for another's structure (403). */
public class PartnerAccessDeniedException extends RuntimeException {

    private final int status;

    private PartnerAccessDeniedException(int status, String reason) {
        super(reason);
        this.status = status;
    }

    public static PartnerAccessDeniedException unauthenticated() {
        return new PartnerAccessDeniedException(401,
                "Send your partner API key as 'Authorization: Bearer <key>' (or 'X-API-Key: <key>').");
    }

    public static PartnerAccessDeniedException notYourStructure(Partner partner, String structureCode) {
        return new PartnerAccessDeniedException(403, "Partner '" + partner.id() + "' may not publish for structure '"
                + structureCode + "'.");
    }

    public int status() {
        return status;
    }
}
