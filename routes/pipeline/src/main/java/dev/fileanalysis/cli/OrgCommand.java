package dev.fileanalysis.cli;


import com.fasterxml.jackson.databind.JsonNode;
import dev.fileanalysis.client.signin.ServerSession;
import dev.fileanalysis.client.signin.SessionGrant;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The signed-in person's organisations: list, create, switch to, inspect, and claim e-mail domains for. */
@Command(name = "org", mixinStandardHelpOptions = true, description = "Organisations: list, create, use, show, plan, domain-claim, domain-release.",
        subcommands = {OrgCommand.List.class, OrgCommand.Create.class, OrgCommand.Use.class, OrgCommand.Show.class,
                OrgCommand.Plan.class, OrgCommand.DomainClaim.class, OrgCommand.DomainRelease.class})
public final class OrgCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Name what to do: list, create, use, show, plan, domain-claim or domain-release.");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists your organisations; * marks the one this device works in.")
    static final class List implements java.util.concurrent.Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin ClientCommandOptions client;

        @Override
        public Integer call() {
            return CommandOutcome.run(spec, out -> {
                ServerSession session = client.session();
                JsonNode organisations = JsonLines.items(client.organisations(session).organisations(), "organisations");
                SessionGrant.Organisation current = session.stored().organisation();
                if (organisations.isEmpty()) {
                    out.println("You belong to no organisation yet: ./pipeline org create NAME");
                }
                for (JsonNode organisation : organisations) {
                    boolean here = current != null && current.id() != null && current.id().equals(organisation.path("id").asText());
                    out.println((here ? "* " : "  ") + JsonLines.line(organisation, "id", "name", "role"));
                }
            });
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Creates an organisation; you become its owner.")
    static final class Create implements java.util.concurrent.Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin ClientCommandOptions client;
        @Parameters(paramLabel = "NAME", description = "The organisation's name.") String name;

        @Override
        public Integer call() {
            return CommandOutcome.run(spec, out -> {
                JsonNode created = client.organisations(client.session()).createOrganisation(name);
                out.println("Created " + JsonLines.line(created, "id", "name") + " (you are " + created.path("role").asText("owner")
                        + "); switch to it with ./pipeline org use " + created.path("id").asText());
            });
        }
    }

    @Command(name = "use", mixinStandardHelpOptions = true, description = "Makes ORG the organisation this device works in.")
    static final class Use implements java.util.concurrent.Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin ClientCommandOptions client;
        @Parameters(paramLabel = "ORG", description = "Organisation id (org-...).") String org;

        @Override
        public Integer call() {
            return CommandOutcome.run(spec, out -> {
                SessionGrant grant = client.session().switchOrganisation(org);
                out.println("Now working in " + (grant.organisation() == null ? org : LoginCommand.describe(grant.organisation())));
            });
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Shows an organisation.")
    static final class Show implements java.util.concurrent.Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin ClientCommandOptions client;
        @Parameters(paramLabel = "ORG", description = "Organisation id (org-...).") String org;

        @Override
        public Integer call() {
            return CommandOutcome.run(spec, out -> JsonLines.fields(out, client.organisations(client.session()).organisation(org)));
        }
    }

    @Command(name = "plan", mixinStandardHelpOptions = true, description = "Shows an organisation's plan: its limits and what is used.")
    static final class Plan implements java.util.concurrent.Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin ClientCommandOptions client;
        @Parameters(paramLabel = "ORG", description = "Organisation id (org-...).") String org;

        @Override
        public Integer call() {
            return CommandOutcome.run(spec, out -> JsonLines.fields(out, client.organisations(client.session()).plan(org)));
        }
    }

    @Command(name = "domain-claim", mixinStandardHelpOptions = true,
            description = "Everyone who signs in with an e-mail address at DOMAIN joins ORG with --role.")
    static final class DomainClaim implements java.util.concurrent.Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin ClientCommandOptions client;
        @Parameters(index = "0", paramLabel = "ORG", description = "Organisation id (org-...).") String org;
        @Parameters(index = "1", paramLabel = "DOMAIN", description = "E-mail domain, e.g. example.com.") String domain;
        @Option(names = "--role", paramLabel = "ROLE", defaultValue = "member", description = "Role of those who join (default: ${DEFAULT-VALUE}).") String role;

        @Override
        public Integer call() {
            return CommandOutcome.run(spec, out -> {
                client.organisations(client.session()).claimDomain(org, domain, role);
                out.println("Anyone signing in with an e-mail address at " + domain + " now joins " + org + " as " + role + ".");
            });
        }
    }

    @Command(name = "domain-release", mixinStandardHelpOptions = true, description = "Stops DOMAIN's people from joining ORG by themselves.")
    static final class DomainRelease implements java.util.concurrent.Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin ClientCommandOptions client;
        @Parameters(index = "0", paramLabel = "ORG", description = "Organisation id (org-...).") String org;
        @Parameters(index = "1", paramLabel = "DOMAIN", description = "E-mail domain.") String domain;

        @Override
        public Integer call() {
            return CommandOutcome.run(spec, out -> {
                client.organisations(client.session()).releaseDomain(org, domain);
                out.println(domain + " is no longer claimed by " + org + "; its members stay members.");
            });
        }
    }
}
