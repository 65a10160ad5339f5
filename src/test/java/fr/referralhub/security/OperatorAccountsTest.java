package fr.referralhub.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import fr.referralhub.testing.TestOperators;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;

class OperatorAccountsTest {

    @Test
    void shouldRefuseToStartWithoutAnyOperator() {
        assertThatThrownBy(() -> OperatorAccounts.from(new HubSecurityProperties(true, List.of())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no operator is declared")
                .hasMessageContaining("HUB_SECURITY_USERS_0_NAME")
                .hasMessageContaining("There is no default password");
    }

    @Test
    void shouldRefuseAClearTextPasswordWithoutEchoingIt() {
        HubSecurityProperties clearText = new HubSecurityProperties(true,
                List.of(new HubSecurityProperties.User("alice", "{noop}hunter2", List.of("OPERATOR"))));
        assertThatThrownBy(() -> OperatorAccounts.from(clearText))
                .hasMessageContaining("hub.security.users[0] (alice).password-hash must be a bcrypt hash")
                .hasMessageNotContaining("hunter2");
        assertThat(clearText.users().get(0)).hasToString("User[name=alice, roles=[OPERATOR]]");
    }

    @Test
    void shouldRefuseAnUnknownRole() {
        assertThatThrownBy(() -> OperatorAccounts.from(new HubSecurityProperties(true, List.of(
                new HubSecurityProperties.User("alice", TestOperators.OPERATOR_HASH, List.of("ADMIN"))))))
                .hasMessageContaining("roles must be VIEWER and/or OPERATOR, got [ADMIN]");
    }

    @Test
    void shouldGiveOperatorsTheViewerRoleTooAndCheckBcryptHashes() {
        var accounts = OperatorAccounts.from(new HubSecurityProperties(true, List.of(
                new HubSecurityProperties.User("oscar", TestOperators.OPERATOR_HASH, List.of("OPERATOR")),
                new HubSecurityProperties.User("vera", TestOperators.VIEWER_HASH, List.of("VIEWER")))));

        assertThat(accounts.loadUserByUsername("oscar").getAuthorities()).map(GrantedAuthority::getAuthority)
                .containsExactlyInAnyOrder("ROLE_OPERATOR", "ROLE_VIEWER");
        assertThat(accounts.loadUserByUsername("vera").getAuthorities()).map(GrantedAuthority::getAuthority)
                .containsExactly("ROLE_VIEWER");
        var encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        assertThat(encoder.matches(TestOperators.VIEWER_PASSWORD, accounts.loadUserByUsername("vera").getPassword()))
                .isTrue();
        assertThat(encoder.matches("wrong", accounts.loadUserByUsername("vera").getPassword())).isFalse();
    }
}
