package settings

import (
	"errors"
	"fmt"

	"github.com/wispboot/wisp/config"
)

// Network is the network configuration of the board's interface iface:
// nil when neither --ip nor --dhcp is given. Its values are checked by
// config.Network's rules, the same the init applies.
func (s *Settings) Network(iface string) (*config.Network, error) {
	if len(s.IP) == 0 && !s.DHCP {
		if len(s.Gateway) > 0 || len(s.DNS) > 0 || len(s.Search) > 0 {
			return nil, errors.New("--gateway, --dns and --search need --ip or --dhcp")
		}
		return nil, nil
	}
	n := &config.Network{Interface: iface, DHCP: s.DHCP, Addresses: s.IP, Gateways: s.Gateway, DNS: s.DNS, Search: s.Search}
	if err := n.Validate(); err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}
	return n, nil
}
