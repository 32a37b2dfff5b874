#!/usr/bin/perl
# An SMSC built on Debian's Net::SMPP (libnet-smpp-perl), for the interoperability tests: it
# accepts one ESME at a time, checks the bind's credentials, answers every submit_sm with a decimal
# message id, sends a receipt for it in the Appendix B text form, and on request sends an uplink.
# It reports what it decoded as JSON lines on stdout; the test drives it with lines on stdin.
#
# Usage: net-smpp-smsc.pl SYSTEM_ID PASSWORD
use strict;
use warnings;
use IO::Select;
use JSON::PP;
use Net::SMPP;

my ($system_id, $password) = @ARGV;
die "usage: $0 SYSTEM_ID PASSWORD\n" unless defined $password;
$| = 1;
my $json = JSON::PP->new->canonical;
sub say_event { print $json->encode({@_}), "\n"; }

my $listener = Net::SMPP->new_listen('127.0.0.1', port => 0, smpp_version => 0x34)
  or die "listen: $!";
say_event(event => 'listening', port => $listener->sockport);

my $next_id = 4000000001;
my $select = IO::Select->new($listener, \*STDIN);
my $session;
my $stdin_buffer = '';

# The test drives it: "mo FROM TO HEXTEXT DATA_CODING" sends an uplink, "quit" ends.
sub on_command {
  my ($line) = @_;
  my @f = split ' ', $line;
  if ($f[0] eq 'quit') { exit 0; }
  if ($f[0] eq 'mo' && $session) {
    $session->deliver_sm(
      source_addr => $f[1], destination_addr => $f[2], esm_class => 0,
      data_coding => $f[4], short_message => pack('H*', $f[3]), async => 1,
    );
  }
}

sub on_pdu {
  my ($pdu) = @_;
  my $cmd = $pdu->{cmd};
  if ($cmd == Net::SMPP::CMD_bind_transceiver) {
    my $ok = $pdu->{system_id} eq $system_id && $pdu->{password} eq $password;
    say_event(event => 'bind', system_id => $pdu->{system_id}, password => $pdu->{password},
      system_type => $pdu->{system_type}, interface_version => $pdu->{interface_version}, ok => $ok ? 1 : 0);
    $session->bind_transceiver_resp(system_id => 'NETSMPP', seq => $pdu->{seq}, status => $ok ? 0 : 0x0e);
  } elsif ($cmd == Net::SMPP::CMD_submit_sm) {
    my $id = $next_id++;
    say_event(event => 'submit_sm', source_addr => $pdu->{source_addr},
      destination_addr => $pdu->{destination_addr}, esm_class => $pdu->{esm_class},
      data_coding => $pdu->{data_coding}, registered_delivery => $pdu->{registered_delivery},
      short_message => unpack('H*', $pdu->{short_message}), message_id => "$id");
    $session->submit_sm_resp(message_id => "$id", seq => $pdu->{seq});
    if ($pdu->{registered_delivery} & 1) {
      $session->deliver_sm(
        source_addr => $pdu->{destination_addr}, destination_addr => $pdu->{source_addr},
        esm_class => 0x04, data_coding => 0, async => 1,
        short_message => "id:$id sub:001 dlvrd:001 submit date:2611281200 done date:2611281201 stat:DELIVRD err:000 text:",
      );
    }
  } elsif ($cmd == Net::SMPP::CMD_deliver_sm_resp) {
    say_event(event => 'deliver_sm_resp', status => $pdu->{status}, seq => $pdu->{seq});
  } elsif ($cmd == Net::SMPP::CMD_enquire_link) {
    $session->enquire_link_resp(seq => $pdu->{seq});
  } elsif ($cmd == Net::SMPP::CMD_unbind) {
    $session->unbind_resp(seq => $pdu->{seq});
    say_event(event => 'unbind');
    drop_session();
  } else {
    say_event(event => 'other', cmd => $cmd);
    $session->generic_nack(seq => $pdu->{seq}, status => 0x03);
  }
}

sub drop_session {
  $select->remove($session);
  $session->close;
  undef $session;
}

while (1) {
  for my $fh ($select->can_read) {
    if ($fh == $listener) {
      my $accepted = $listener->accept or next;
      drop_session() if $session;
      $session = $accepted;
      $select->add($session);
      say_event(event => 'connected');
    } elsif ($fh == \*STDIN) {
      my $n = sysread(STDIN, my $chunk, 4096);
      exit 0 unless $n;
      $stdin_buffer .= $chunk;
      while ($stdin_buffer =~ s/^([^\n]*)\n//) { on_command($1); }
    } else {
      my $pdu = $session->read_pdu;
      if (!$pdu) { say_event(event => 'closed'); drop_session(); next; }
      on_pdu($pdu);
    }
  }
}
