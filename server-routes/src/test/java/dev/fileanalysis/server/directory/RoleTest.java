package dev.fileanalysis.server.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import dev.fileanalysis.server.ErrorResponses;
import dev.fileanalysis.server.refusal.RefusalException;


class RoleTest {

    @Test
    void eachRoleIncludesTheLowerOnes() {
        assertThat(Role.OWNER.atLeast(Role.ADMIN)).isTrue();
        assertThat(Role.ADMIN.atLeast(Role.ADMIN)).isTrue();
        assertThat(Role.MEMBER.atLeast(Role.VIEWER)).isTrue();
        assertThat(Role.VIEWER.atLeast(Role.MEMBER)).isFalse();
        assertThat(Role.ADMIN.atLeast(Role.OWNER)).isFalse();
    }

    @Test
    void wireNamesAreLowerCaseAndParseBackWhateverTheCase() {
        for (Role role : Role.values()) {
            assertThat(Role.parse(role.wireName())).isEqualTo(role);
        }
        assertThat(Role.ADMIN.wireName()).isEqualTo("admin");
        assertThat(Role.parse(" Owner ")).isEqualTo(Role.OWNER);
    }

    @Test
    void anUnknownRoleIsA400NamingTheAllowedOnes() {
        assertThatThrownBy(() -> Role.parse("superuser"))
                .isInstanceOfSatisfying(RefusalException.class, e -> assertThat(ErrorResponses.statusOf(e)).isEqualTo(400))
                .hasMessage("Unknown role 'superuser': use one of viewer, member, admin, owner.");
        assertThatThrownBy(() -> Role.parse(null)).isInstanceOf(RefusalException.class).hasMessageStartingWith("A role is required");
    }
}
