package dev.fileanalysis.server.auth;

import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrustedIssuerTest {

    private static final String MICROSOFT = "https://login.microsoftonline.com/{tenantid}/v2.0";
    private static final String MICROSOFT_KEYS = "https://login.microsoftonline.com/{tenantid}/discovery/v2.0/keys";

    @Test
    void anIssuerWithATenantPlaceholderIsMultiTenantAndExpandsPerTenant() {
        TrustedIssuer microsoft = new TrustedIssuer("microsoft", MICROSOFT, MICROSOFT_KEYS, "app", Set.of(), Set.of(), null, null);
        String tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";

        assertThat(microsoft.multiTenant()).isTrue();
        assertThat(microsoft.issuerFor(tenant)).isEqualTo("https://login.microsoftonline.com/" + tenant + "/v2.0");
        assertThat(microsoft.jwksUrlFor(tenant)).isEqualTo("https://login.microsoftonline.com/" + tenant + "/discovery/v2.0/keys");
        assertThat(google(Set.of()).multiTenant()).isFalse();
    }

    @Test
    void aMissingClientIdIsAConfigurationErrorNamingTheProvider() {
        assertThatThrownBy(() -> new TrustedIssuer("google", "https://accounts.google.com",
                "https://www.googleapis.com/oauth2/v3/certs", " ", Set.of(), Set.of(), null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Sign-in provider 'google': clientId is required.");
    }

    @Test
    void aJwksUrlThatIsNotHttpIsAConfigurationError() {
        assertThatThrownBy(() -> new TrustedIssuer("google", "https://accounts.google.com",
                "file:///etc/keys.json", "app", Set.of(), Set.of(), null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jwksUrl must be an http(s) URL with a host, not file:///etc/keys.json");
    }

    @Test
    void aTenantAllowListOnASingleTenantIssuerIsAConfigurationError() {
        // It would be silently ignored otherwise, and the operator would believe tenants were restricted.
        assertThatThrownBy(() -> google(Set.of("72f988bf-86f1-41af-91ab-2d7cd011db47")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("allowedTenants only applies to a multi-tenant issuer");
    }

    @Test
    void missingAllowListsMeanNoRestriction() {
        TrustedIssuer google = new TrustedIssuer("google", "https://accounts.google.com",
                "https://www.googleapis.com/oauth2/v3/certs", "app", null, null, null, null);

        assertThat(google.allowedTenants()).isEmpty();
        assertThat(google.allowedHostedDomains()).isEmpty();
    }

    private static TrustedIssuer google(Set<String> tenants) {
        return new TrustedIssuer("google", "https://accounts.google.com", "https://www.googleapis.com/oauth2/v3/certs",
                "app", tenants, Set.of(), null, null);
    }
}
