package dev.fileanalysis.cli;

import java.io.IOException;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fileanalysis.apiclient.OrganisationsClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** An organisation's people: who is in it with which role, and who is invited. People are named by e-mail. */
@Command(name = "member", mixinStandardHelpOptions = true, description = "Members: list, invite, role, remove, invitations, uninvite.",
        subcommands = {MemberCommand.List.class, MemberCommand.Invite.class, MemberCommand.Role.class, MemberCommand.Remove.class,
                MemberCommand.Invitations.class, MemberCommand.Uninvite.class})
public final class MemberCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Name what to do: list, invite, role, remove, invitations or uninvite.");
    }

    /** The member's user id, found by e-mail in the members list (the API names members by id). */
    static String userId(OrganisationsClient api, String org, String email) throws IOException, InterruptedException {
        for (JsonNode member : JsonLines.items(api.members(org), "members")) {
            if (email.equalsIgnoreCase(member.path("email").asText())) {
                return member.path("user").asText();
            }
        }
        throw new IllegalArgumentException(email + " is not a member of " + org + " (see ./pipeline member list " + org + ").");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists ORG's members: user, e-mail, name, role.")
    static final class List implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin ClientCommandOptions client;
        @Parameters(paramLabel = "ORG", description = "Organisation id (org-...).") String org;

        @Override
        public Integer call() {
            return CommandOutcome.run(spec, out -> {
                for (JsonNode member : JsonLines.items(client.organisations(client.session()).members(org), "members")) {
                    out.println(JsonLines.line(member, "user", "email", "name", "role"));
                }
            });
        }
    }

    @Command(name = "invite", mixinStandardHelpOptions = true, description = "Invites EMAIL to ORG: they join with --role when they next sign in.")
    static final class Invite implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin ClientCommandOptions client;
        @Parameters(index = "0", paramLabel = "ORG", description = "Organisation id (org-...).") String org;
        @Parameters(index = "1", paramLabel = "EMAIL", description = "Their e-mail address.") String email;
        @Option(names = "--role", paramLabel = "ROLE", required = true, description = "Role they get (e.g. member, admin).") String role;

        @Override
        public Integer call() {
            return CommandOutcome.run(spec, out -> {
                client.organisations(client.session()).invite(org, email, role);
                out.println("Invited " + email + " to " + org + " as " + role + ".");
            });
        }
    }

    @Command(name = "role", mixinStandardHelpOptions = true, description = "Gives member EMAIL of ORG the role ROLE.")
    static final class Role implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin ClientCommandOptions client;
        @Parameters(index = "0", paramLabel = "ORG", description = "Organisation id (org-...).") String org;
        @Parameters(index = "1", paramLabel = "EMAIL", description = "The member's e-mail address.") String email;
        @Parameters(index = "2", paramLabel = "ROLE", description = "The new role (e.g. member, admin, owner).") String role;

        @Override
        public Integer call() {
            return CommandOutcome.run(spec, out -> {
                OrganisationsClient api = client.organisations(client.session());
                api.changeRole(org, userId(api, org, email), role);
                out.println(email + " is now " + role + " in " + org + ".");
            });
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Removes member EMAIL from ORG.")
    static final class Remove implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin ClientCommandOptions client;
        @Parameters(index = "0", paramLabel = "ORG", description = "Organisation id (org-...).") String org;
        @Parameters(index = "1", paramLabel = "EMAIL", description = "The member's e-mail address.") String email;

        @Override
        public Integer call() {
            return CommandOutcome.run(spec, out -> {
                OrganisationsClient api = client.organisations(client.session());
                api.removeMember(org, userId(api, org, email));
                out.println("Removed " + email + " from " + org + ".");
            });
        }
    }

    @Command(name = "invitations", mixinStandardHelpOptions = true, description = "Lists ORG's open invitations: e-mail, role.")
    static final class Invitations implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin ClientCommandOptions client;
        @Parameters(paramLabel = "ORG", description = "Organisation id (org-...).") String org;

        @Override
        public Integer call() {
            return CommandOutcome.run(spec, out -> {
                JsonNode invitations = JsonLines.items(client.organisations(client.session()).invitations(org), "invitations");
                if (invitations.isEmpty()) {
                    out.println("No open invitations.");
                }
                for (JsonNode invitation : invitations) {
                    out.println(JsonLines.line(invitation, "email", "role"));
                }
            });
        }
    }

    @Command(name = "uninvite", mixinStandardHelpOptions = true, description = "Withdraws EMAIL's invitation to ORG.")
    static final class Uninvite implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin ClientCommandOptions client;
        @Parameters(index = "0", paramLabel = "ORG", description = "Organisation id (org-...).") String org;
        @Parameters(index = "1", paramLabel = "EMAIL", description = "The invited e-mail address.") String email;

        @Override
        public Integer call() {
            return CommandOutcome.run(spec, out -> {
                client.organisations(client.session()).withdrawInvitation(org, email);
                out.println("Withdrew the invitation of " + email + " to " + org + ".");
            });
        }
    }
}
