package fr.referralhub.state;

import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Answers other hub instances' reads of the referrals whose partitions this instance owns
 * ({@link ReferralStateReads}). Only signed requests of a peer are answered (401 otherwise), only from this
 * instance's own store (421 when it does not own the partition: the asking instance asks the metadata again), and
 * the answer holds no personal data. Its answers (found or not) are signed for the request they answer.
 */
@RestController
class ReferralStatePeerController {

    /** 421 Misdirected Request: not the owner (any more). */
    private static final int MISDIRECTED = 421;

    private final ReferralStateReads reads;

    ReferralStatePeerController(ReferralStateReads reads) {
        this.reads = reads;
    }

    @GetMapping(ReferralStateReads.PEER_PATH + "{referralId}")
    ResponseEntity<byte[]> summary(@PathVariable String referralId, HttpServletRequest request,
                                   @RequestHeader(name = PeerSignature.TIME_HEADER, required = false) String time,
                                   @RequestHeader(name = PeerSignature.SIGNATURE_HEADER, required = false)
                                   String signature) {
        if (!reads.signature().verify("GET", request.getRequestURI(), time, signature)) {
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).build();
        }
        Integer partition = reads.ownPartition(referralId);
        if (partition == null) {
            return ResponseEntity.status(MISDIRECTED).build();
        }
        Optional<ReferralSummary> summary;
        try {
            summary = reads.local(referralId, partition);
        } catch (InvalidStateStoreException e) {
            return ResponseEntity.status(MISDIRECTED).build();
        }
        // The bytes signed are the bytes sent: the asking instance checks them before it reads them.
        int status = summary.isPresent() ? 200 : 404;
        byte[] body = summary.map(ReferralStateReads::write).orElse(new byte[0]);
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
                .header(PeerSignature.ANSWER_SIGNATURE_HEADER, reads.signature().signAnswer(signature, status, body))
                .body(body);
    }
}
