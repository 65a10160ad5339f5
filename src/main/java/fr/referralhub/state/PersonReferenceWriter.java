package fr.referralhub.state;

/** Sets the person reference of a canonical record given as published bytes (an update takes its creation's). */
@FunctionalInterface
interface PersonReferenceWriter {

    byte[] write(byte[] referralEvent, String personReference, String personReferenceBasis);
}
