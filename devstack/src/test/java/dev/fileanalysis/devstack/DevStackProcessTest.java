package dev.fileanalysis.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The devstack as other modules' tests run it: a separate JVM, with dynalite its child. */
class DevStackProcessTest {
  @TempDir
  Path dataDir;

  @Test
  void startsAsAProcessAndHandsOverItsEndpoints() throws Exception {
    try (DevStackProcess devstack = launcher().start()) {
      assertThat(devstack.property("s3.endpoint")).startsWith("http://127.0.0.1:");
      assertThat(devstack.property("dynamodb.endpoint")).startsWith("http://127.0.0.1:");
      assertThat(devstack.property("oidc.issuer")).startsWith("http://127.0.0.1:").endsWith("/pipeline");
      assertThat(devstack.properties()).hasSize(11);
      assertThat(devstack.property("oidc.authorization-url")).isEqualTo(devstack.property("oidc.issuer") + "/authorize");
      assertThat(devstack.logFile()).content()
          .contains("s3 " + devstack.property("s3.endpoint"))
          .contains("dynamodb " + devstack.property("dynamodb.endpoint"))
          .contains("oidc " + devstack.property("oidc.issuer"))
          .contains("devstack ready");
    }
  }

  @Test
  void closingTheLauncherStopsTheDevstackAndDynalite() throws Exception {
    DevStackProcess devstack = launcher().start();
    ProcessHandle jvm = devstack.handle();
    List<ProcessHandle> dynalite = dynaliteProcesses(jvm);
    assertThat(dynalite).hasSize(1);

    devstack.close();

    assertThat(jvm.isAlive()).isFalse();
    assertThat(Processes.eventually(Duration.ofSeconds(10), () -> !Processes.isRunning(dynalite.get(0).pid()))).isTrue();
    assertThat(dataDir.resolve("devstack.properties")).doesNotExist();
  }

  @Test
  void killingTheDevstackJvmWithSigkillLeavesNoDynaliteProcess() throws Exception {
    try (DevStackProcess devstack = launcher().start()) {
      ProcessHandle jvm = devstack.handle();
      List<ProcessHandle> dynalite = dynaliteProcesses(jvm);
      assertThat(dynalite).hasSize(1);
      long dynalitePid = dynalite.get(0).pid();

      assertThat(jvm.destroyForcibly()).isTrue(); // SIGKILL: no shutdown hook runs
      jvm.onExit().get();

      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> !Processes.isRunning(dynalitePid)))
          .as("dynalite %d outlived the killed devstack", dynalitePid)
          .isTrue();
    }
  }

  private DevStackProcess.Builder launcher() {
    return DevStackProcess.builder(Processes.repositoryRoot())
        .dataDir(dataDir)
        .classPath(System.getProperty("java.class.path"));
  }

  private static List<ProcessHandle> dynaliteProcesses(ProcessHandle jvm) {
    return jvm.descendants()
        .filter(p -> p.info().commandLine().orElse("").contains(DynaliteProcess.SCRIPT))
        .toList();
  }
}
