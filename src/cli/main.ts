/**
 * The `sms12333` command (docs/design.md §4.1). Every subcommand takes --config FILE and honours
 * SMS12333_* variables, and brings the schema up to date before it acts.
 */
import { ERROR_CATALOGUE, isAppError } from '../shared/errors.js';
import { runApp } from './app.js';
import { runAudit } from './audit.js';
import { runBackend } from './backend.js';
import { runBackupCommand } from './backup.js';
import { runRestore } from './restore.js';
import { runLists } from './lists.js';
import { runTicket } from './ticket.js';
import { runMigrate } from './migrate.js';
import { runPdu } from './pdu.js';
import { runPhone } from './phone.js';
import { runServe } from './serve.js';
import { runSimulator } from './simulator.js';
import { runSurvey } from './survey.js';
import { runUser } from './user.js';

const HELP = `sms12333 — 12333 短信服务平台 (LD/T 6007—2024)

用法 usage:
  sms12333 serve [--config FILE] [--demo | --demo-federation]
  sms12333 simulator --protocol cmpp3|cmpp2|sgip|smgp|smpp --port N --control-port M --account A --secret S
                     [--dlr-delay-ms D] [--fail-rate R]
                     [--peer-host H --peer-port P --peer-account A --peer-secret S]  (sgip)
  sms12333 app add --name NAME --password PW [--ip CIDR[,CIDR…]] [--balance N]
                   [--signature 【…】] [--ext-code DIGITS] [--province NN] [--config FILE]
  sms12333 app sftp --name NAME [--key FILE.pub]… [--password PW]   SFTP logins (docs/sftp.md)
  sms12333 app locks [--config FILE]                      interface password locks
  sms12333 app unlock --name NAME [--ip ADDRESS] [--config FILE]
  sms12333 user add --username U --role ROLE[,ROLE…] [--config FILE]
                   roles: system-admin security-admin auditor (mutually exclusive) operator reviewer case-handler
  sms12333 user list [--config FILE]
  sms12333 user reset-password|unlock|reset-totp|disable|enable --username U [--config FILE]
  sms12333 backend import --file persons.csv [--skip-invalid] [--config FILE]
  sms12333 ticket list [--status OPEN,HANDLING,DONE,REJECTED] [--config FILE]
  sms12333 ticket complete --request-no NO --result done|rejected [--text 说明] [--by NAME]
  sms12333 survey create --file survey.json [--config FILE]
  sms12333 survey send --id N --mobiles-file FILE [--config FILE]
  sms12333 survey close --id N [--config FILE]
  sms12333 survey results --id N [--csv FILE] [--unmasked] [--config FILE]
  sms12333 audit verify [--config FILE]
  sms12333 audit export --from YYYY-MM-DD --to YYYY-MM-DD [--csv FILE] [--config FILE]
  sms12333 backup --out FILE [--recipient AGE_PUBLIC_KEY_FILE] [--config FILE]
  sms12333 backup keygen --identity FILE [--recipient FILE]
  sms12333 restore --in FILE --identity AGE_KEY_FILE [--config FILE]   (into an empty database)
  sms12333 lists export --out FILE | import --file FILE [--config FILE]   (unmasked, audited)
  sms12333 migrate [--config FILE] [--rebuild-tallies]
  sms12333 pdu decode --protocol cmpp2|cmpp3|sgip|smgp|smpp | --gateway ID [--config FILE] HEX
  sms12333 phone lookup MOBILE [--config FILE]      (carrier, home province, city, data date)
  sms12333 bench [--quick] [--admission] [--dialect sqlite|postgres] | bench --federation [--quick]
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await runServe(rest);
      case 'simulator':
        return await runSimulator(rest);
      case 'app':
        return await runApp(rest);
      case 'backend':
        return await runBackend(rest);
      case 'ticket':
        return await runTicket(rest);
      case 'survey':
        return await runSurvey(rest);
      case 'user':
        return await runUser(rest);
      case 'audit':
        return await runAudit(rest);
      case 'migrate':
        return await runMigrate(rest);
      case 'pdu':
        return runPdu(rest);
      case 'phone':
        return runPhone(rest);
      case 'bench': {
        const { runBench } = await import('./bench.js');
        return await runBench(rest);
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(HELP);
        return command === undefined ? 2 : 0;
      case 'backup':
        return await runBackupCommand(rest);
      case 'restore':
        return await runRestore(rest);
      case 'lists':
        return await runLists(rest);
      default:
        process.stderr.write(`未知命令 unknown command: ${command}\n\n${HELP}`);
        return 2;
    }
  } catch (err) {
    if (isAppError(err)) {
      process.stderr.write(`错误 error [${err.code}] (${ERROR_CATALOGUE[err.code].en}): ${err.zh}\n`);
      return err.code === 'ERR_CLI_USAGE' ? 2 : 1;
    }
    throw err;
  }
}
