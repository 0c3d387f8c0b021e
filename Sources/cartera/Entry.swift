/// The process's entry: the allocator's setting first (it may start the process again),
/// then the `cartera` command.
@main
enum Main {
    static func main() async {
        AllocatorTuning.restartIfUntuned()
        await Cartera.main()
    }
}
