#!/usr/bin/perl
# An ESME built on Debian's Net::SMPP (libnet-smpp-perl), for the interoperability tests: it binds
# as a transceiver, submits what the test asks for, acknowledges every deliver_sm (receipts and
# uplinks) and reports what it decoded as JSON lines on stdout. The test drives it with lines on
# stdin: "submit SOURCE DEST HEXTEXT DATA_CODING ESM_CLASS", "unbind".
#
# Usage: net-smpp-esme.pl PORT SYSTEM_ID PASSWORD
use strict;
use warnings;
use IO::Select;
use JSON::PP;
use Net::SMPP;

my ($port, $system_id, $password) = @ARGV;
die "usage: $0 PORT SYSTEM_ID PASSWORD\n" unless defined $password;
$| = 1;
my $json = JSON::PP->new->canonical;
sub say_event { print $json->encode({@_}), "\n"; }

my ($smpp, $resp) = Net::SMPP->new_transceiver('127.0.0.1', port => $port,
  system_id => $system_id, password => $password, system_type => 'NETSMPP', smpp_version => 0x34);
die "connect: $!" unless $smpp;
say_event(event => 'bind_resp', status => $resp->{status}, system_id => $resp->{system_id});
exit 0 if $resp->{status} != 0;

my $select = IO::Select->new($smpp, \*STDIN);
my $stdin_buffer = '';
my %submitted;    # sequence number → what the test called it

sub on_command {
  my ($line) = @_;
  my @f = split ' ', $line;
  if ($f[0] eq 'unbind') {
    $smpp->unbind(async => 1);
  } elsif ($f[0] eq 'submit') {
    my $seq = $smpp->submit_sm(
      source_addr => $f[1], destination_addr => $f[2], short_message => pack('H*', $f[3]),
      data_coding => $f[4], esm_class => $f[5], registered_delivery => 1, async => 1,
    );
    $submitted{$seq} = 1;
  }
}

sub on_pdu {
  my ($pdu) = @_;
  my $cmd = $pdu->{cmd};
  if ($cmd == Net::SMPP::CMD_submit_sm_resp) {
    say_event(event => 'submit_sm_resp', status => $pdu->{status}, message_id => $pdu->{message_id});
  } elsif ($cmd == Net::SMPP::CMD_deliver_sm) {
    say_event(event => 'deliver_sm', source_addr => $pdu->{source_addr},
      destination_addr => $pdu->{destination_addr}, esm_class => $pdu->{esm_class},
      data_coding => $pdu->{data_coding}, short_message => unpack('H*', $pdu->{short_message}),
      # A C-Octet String TLV: Net::SMPP hands over its bytes with the NUL.
      receipted_message_id => ($pdu->{receipted_message_id} // "") =~ s/\0+$//r);
    $smpp->deliver_sm_resp(message_id => '', seq => $pdu->{seq});
  } elsif ($cmd == Net::SMPP::CMD_enquire_link) {
    $smpp->enquire_link_resp(seq => $pdu->{seq});
  } elsif ($cmd == Net::SMPP::CMD_unbind_resp) {
    say_event(event => 'unbind_resp', status => $pdu->{status});
    exit 0;
  } else {
    say_event(event => 'other', cmd => $cmd, status => $pdu->{status});
  }
}

while (1) {
  for my $fh ($select->can_read) {
    if ($fh == \*STDIN) {
      my $n = sysread(STDIN, my $chunk, 4096);
      exit 0 unless $n;
      $stdin_buffer .= $chunk;
      while ($stdin_buffer =~ s/^([^\n]*)\n//) { on_command($1); }
    } else {
      my $pdu = $smpp->read_pdu;
      if (!$pdu) { say_event(event => 'closed'); exit 0; }
      on_pdu($pdu);
    }
  }
}
