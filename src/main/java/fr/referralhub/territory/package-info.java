/** French territory codes (INSEE communes and departements). */
package fr.referralhub.territory;
