/** The partner registry: who may publish, for which structures, with which credentials. */
package fr.referralhub.partners;
