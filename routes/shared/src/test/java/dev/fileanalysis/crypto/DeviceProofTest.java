package dev.fileanalysis.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeviceProofTest {

    private final ClientKeyPair device = ClientKeyPair.generate();

    @Test
    void aProofByTheDevicesOwnKeyForThisNonceIsValid() {
        String proof = DeviceProof.sign(device, "nonce-1");

        assertThat(DeviceProof.isValid(device.publicKey().clientId(), "nonce-1", proof)).isTrue();
    }

    @Test
    void aProofForAnotherSignInIsNotValidForThisOne() {
        String proof = DeviceProof.sign(device, "nonce-1");

        assertThat(DeviceProof.isValid(device.publicKey().clientId(), "nonce-2", proof)).isFalse();
    }

    @Test
    void someoneWhoKnowsOnlyTheDevicesPublicKeyCannotProveIt() {
        ClientKeyPair intruder = ClientKeyPair.generate();
        String proof = DeviceProof.sign(intruder, "nonce-1");

        assertThat(DeviceProof.isValid(device.publicKey().clientId(), "nonce-1", proof)).isFalse();
    }

    @Test
    void aMalformedProofOrDeviceIdIsSimplyNotValid() {
        assertThat(DeviceProof.isValid(device.publicKey().clientId(), "nonce-1", "zz")).isFalse();
        assertThat(DeviceProof.isValid(device.publicKey().clientId(), "nonce-1", "3006020101020101")).isFalse();
        assertThat(DeviceProof.isValid("client-04", "nonce-1", DeviceProof.sign(device, "nonce-1"))).isFalse();
    }
}
