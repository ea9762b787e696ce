package io.agentyard.identity;

import static io.agentyard.identity.IdentityApi.ADMIN_PASSWORD;
import static io.agentyard.identity.IdentityApi.ADMIN_USERNAME;
import static io.agentyard.identity.IdentityApi.PASSWORD;
import static io.agentyard.identity.IdentityApi.PROBLEM_JSON;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The admin API over accounts, and who may use it. */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class AdminUsersTest {

    final IdentityApi api = new IdentityApi();

    @Test
    void theConfiguredFirstAdminExistsAndCanSignIn() {
        api.request().body(Map.of("username", ADMIN_USERNAME, "password", ADMIN_PASSWORD))
                .post("/api/auth/login").then().statusCode(200).body("user.role", is("admin"));
    }

    @Test
    void adminListsUsersPageByPageWithTotal() {
        for (int i = 0; i < 3; i++) {
            api.register(IdentityApi.uniqueName("listed"));
        }
        String admin = api.adminToken();
        int total = api.as(admin).get("/api/users?size=2&page=0").then().statusCode(200)
                .body("items", hasSize(2))
                .body("page", is(0))
                .body("size", is(2))
                .body("total", greaterThanOrEqualTo(4))
                .extract().path("total");
        api.as(admin).get("/api/users?size=2&page=" + (total - 1) / 2).then().statusCode(200)
                .body("items.size()", lessThanOrEqualTo(2));
        api.as(admin).get("/api/users?size=2&page=1000").then().statusCode(200).body("items", hasSize(0));
    }

    @Test
    void aPageParameterThatIsNotANumberIsA400NamingIt() {
        String admin = api.adminToken();
        api.as(admin).get("/api/users?size=2147483648").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", is("size"))
                .body("detail", containsString("size"));
        api.as(admin).get("/api/users?page=abc").then().statusCode(400).body("errors[0].field", is("page"));
        api.as(admin).get("/api/users?size=0").then().statusCode(400).body("errors[0].field", is("size"));
        // a path segment that is no id stays a 404, whatever the query holds
        api.as(admin).get("/api/users/abc?sort=a").then().statusCode(404);
    }

    @Test
    void adminFiltersByRoleAndActive() {
        Map<String, String> dev = api.newDeveloper();
        String admin = api.adminToken();
        api.as(admin).get("/api/users?role=admin&size=100").then().statusCode(200)
                .body("items.role", everyItem(is("admin")))
                .body("items.username", hasItem(ADMIN_USERNAME));
        api.as(admin).post("/api/users/" + dev.get("id") + "/deactivate").then().statusCode(200);
        api.as(admin).get("/api/users?active=false&size=100").then().statusCode(200)
                .body("items.active", everyItem(is(false)))
                .body("items.id", hasItem(dev.get("id")));
        api.as(admin).get("/api/users?active=true&size=100").then().statusCode(200)
                .body("items.id", not(hasItem(dev.get("id"))));
    }

    @Test
    void badListParametersAreProblems() {
        String admin = api.adminToken();
        api.as(admin).get("/api/users?size=101").then().statusCode(400).contentType(PROBLEM_JSON)
                .body("errors[0].field", is("size"));
        api.as(admin).get("/api/users?page=-1").then().statusCode(400).body("errors[0].field", is("page"));
        api.as(admin).get("/api/users?role=superuser").then().statusCode(400).body("errors[0].field", is("role"))
                .body("errors[0].message", is("must be one of admin, developer, viewer"));
    }

    @Test
    void adminReadsOneUserAndUnknownIdsAre404() {
        Map<String, String> dev = api.newDeveloper();
        String admin = api.adminToken();
        api.as(admin).get("/api/users/" + dev.get("id")).then().statusCode(200)
                .body("username", is(dev.get("username")));
        api.as(admin).get("/api/users/" + UUID.randomUUID()).then().statusCode(404).contentType(PROBLEM_JSON)
                .body("title", is("Not found"));
        api.as(admin).get("/api/users/not-a-uuid").then().statusCode(404).contentType(PROBLEM_JSON);
    }

    @Test
    void changedRoleIsInTheNextToken() {
        Map<String, String> dev = api.newDeveloper();
        String admin = api.adminToken();
        api.as(admin).body(Map.of("role", "viewer")).put("/api/users/" + dev.get("id") + "/role")
                .then().statusCode(200).body("role", is("viewer"));
        api.request().body(Map.of("refreshToken", dev.get("refreshToken"))).post("/api/auth/refresh")
                .then().statusCode(200).body("user.role", is("viewer"));
        api.as(admin).body(Map.of("role", "root")).put("/api/users/" + dev.get("id") + "/role")
                .then().statusCode(400).contentType(PROBLEM_JSON).body("errors[0].field", is("role"));
    }

    @Test
    void deactivatedUserCannotSignInOrRefreshAndCanBeReactivated() {
        Map<String, String> dev = api.newDeveloper();
        String admin = api.adminToken();
        api.as(admin).post("/api/users/" + dev.get("id") + "/deactivate").then().statusCode(200)
                .body("active", is(false));
        api.request().body(Map.of("username", dev.get("username"), "password", PASSWORD))
                .post("/api/auth/login").then().statusCode(401).body("detail", is("invalid username or password"));
        api.request().body(Map.of("refreshToken", dev.get("refreshToken"))).post("/api/auth/refresh")
                .then().statusCode(401);

        api.as(admin).post("/api/users/" + dev.get("id") + "/activate").then().statusCode(200)
                .body("active", is(true));
        api.login(dev.get("username"), PASSWORD);
    }

    @Test
    void adminCannotDemoteOrDeactivateThemselves() {
        String admin = api.adminToken();
        String adminId = api.as(admin).get("/api/auth/profile").then().extract().path("id");
        api.as(admin).body(Map.of("role", "developer")).put("/api/users/" + adminId + "/role")
                .then().statusCode(409).contentType(PROBLEM_JSON);
        api.as(admin).post("/api/users/" + adminId + "/deactivate").then().statusCode(409);
    }

    @Test
    void peopleWhoAreNotAdminsGet403AndStrangers401() {
        Map<String, String> dev = api.newDeveloper();
        for (String path : List.of("/api/users", "/api/users/" + dev.get("id"), "/api/service-clients")) {
            api.as(dev.get("accessToken")).get(path).then().statusCode(403).contentType(PROBLEM_JSON)
                    .body("title", is("Forbidden"));
            api.request().get(path).then().statusCode(401).contentType(PROBLEM_JSON);
        }
        api.as(dev.get("accessToken")).post("/api/users/" + dev.get("id") + "/activate").then().statusCode(403);
        api.as(dev.get("accessToken")).body(Map.of("role", "admin")).put("/api/users/" + dev.get("id") + "/role")
                .then().statusCode(403);
    }
}
