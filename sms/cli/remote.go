package cli

import (
	"github.com/spf13/cobra"
)

// remote refuses, for a command that came over smsdash serve, what makes
// no sense from another machine or would reach into the server's files:
// the server's own processes and DEMO world, shell completion, another
// config, a list or an export file on the server's disk.
func remote(c *cobra.Command, args []string) error {
	name := c.Name()
	if p := c.Parent(); p != nil && p.Name() == "completion" {
		name = p.Name()
	}
	switch name {
	case "sim", "demo", "serve", "completion", cobra.ShellCompRequestCmd, cobra.ShellCompNoDescRequestCmd:
		return usageErr("%s is not available over SSH: it concerns the server's machine (run it there)", name)
	}
	if c.Flags().Changed("config") {
		return usageErr("--config is not taken over SSH: commands run on the server's config")
	}
	switch {
	case name == "import" && len(args) > 0 && args[0] != "-":
		return usageErr("import over SSH reads the list from standard input, not a file on the server: ssh … import --template … < list.csv")
	case name == "export" && c.Flags().Changed("csv") && c.Flags().Lookup("csv").Value.String() != "-":
		return usageErr("export over SSH writes to standard output, not a file on the server: ssh … export --csv - > history.csv")
	}
	return nil
}
