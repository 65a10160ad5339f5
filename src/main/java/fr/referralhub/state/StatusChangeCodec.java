package fr.referralhub.state;

import fr.referralhub.avro.ReferralStatusChange;

/** Reads and writes status changes in the wire format of {@code referral-status-changes.v1}. */
interface StatusChangeCodec {

    ReferralStatusChange read(byte[] bytes);

    byte[] write(ReferralStatusChange change);
}
