package dev.previewenv.examples.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.previewenv.examples.http.ServiceEnv;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseConfigTest {

  @Test
  void findsPostgresThroughTheServiceVariablesAndTheSecretsVariables() {
    Database.Config config =
        Database.Config.fromEnv(
            new ServiceEnv(
                Map.of(
                    "POSTGRES_SERVICE_HOST", "10.96.0.105",
                    "POSTGRES_SERVICE_PORT", "5432",
                    "DB_USER", "shop",
                    "DB_PASSWORD", "hunter2-canary")));

    assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://10.96.0.105:5432/shop");
    assertThat(config.user()).isEqualTo("shop");
    assertThat(config.password()).isEqualTo("hunter2-canary");
    assertThat(config.toString())
        .isEqualTo("jdbc:postgresql://10.96.0.105:5432/shop as user shop")
        .doesNotContain("hunter2-canary");
  }

  @Test
  void missingVariablesAreNamedWithWhereTheyComeFrom() {
    assertThatThrownBy(
            () ->
                Database.Config.fromEnv(
                    new ServiceEnv(Map.of("POSTGRES_SERVICE_PORT", "5432", "DB_USER", "shop"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("POSTGRES_SERVICE_HOST, DB_PASSWORD not set")
        .hasMessageContaining("Secret shop-db");
  }

  @Test
  void onlyRefusedCredentialsCountAsRejected() {
    assertThat(Database.credentialsRejected(new SQLException("password", "28P01"))).isTrue();
    assertThat(
            Database.credentialsRejected(
                new SQLException("wrapped", "08001", new SQLException("no role", "28000"))))
        .isTrue();
    assertThat(Database.credentialsRejected(new SQLException("refused", "08001"))).isFalse();
    assertThat(Database.credentialsRejected(new SQLException("starting up", "57P03"))).isFalse();
  }
}
